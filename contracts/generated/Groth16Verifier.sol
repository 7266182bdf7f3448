// GENERATED FILE - DO NOT EDIT. Made by `ecoai zk setup` (snarkjs zkey export
// solidityverifier) for circuits/green_proof_main.circom, GreenProof(64).
// zkey sha256: 757c7f665030608a18561e0d314231031148876b9b373f9b2a4e9673afdfab55
// Public signals: ecoai_chain/core/public_signals.json. Regenerate: `ecoai zk setup`.
// SPDX-License-Identifier: GPL-3.0
/*
    Copyright 2021 0KIMS association.

    This file is generated with [snarkJS](https://github.com/iden3/snarkjs).

    snarkJS is a free software: you can redistribute it and/or modify it
    under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    snarkJS is distributed in the hope that it will be useful, but WITHOUT
    ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
    or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public
    License for more details.

    You should have received a copy of the GNU General Public License
    along with snarkJS. If not, see <https://www.gnu.org/licenses/>.
*/

pragma solidity >=0.7.0 <0.9.0;

contract Groth16Verifier {
    // Scalar field size
    uint256 constant r    = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    // Base field size
    uint256 constant q   = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // Verification Key data
    uint256 constant alphax  = 804152110143291239182284146960893826525925902354208100451760076706221392441;
    uint256 constant alphay  = 3794834840390406280407203245063473958096047501175109996576949892268692636838;
    uint256 constant betax1  = 443859634934548407786492078028827909608150107199281497835457274606689382844;
    uint256 constant betax2  = 11492257064786055148257901433312864787317824943633088772076606151539142179249;
    uint256 constant betay1  = 13155102716976564878289565700511591376008797359745757913569060978809055101204;
    uint256 constant betay2  = 3918963442764951224804736646897525726908754347285538287962773994865896195225;
    uint256 constant gammax1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 constant gammax2 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 constant gammay1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 constant gammay2 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;
    uint256 constant deltax1 = 17851201803120613463341181230788041451297359423562696178835382999223604407684;
    uint256 constant deltax2 = 17128352753867413957138699937100382157860432239474408719511587562443361273840;
    uint256 constant deltay1 = 6973443388399208260242845988436496041862013704204077050273718796310007950275;
    uint256 constant deltay2 = 19589788223375375688038685374386552674276327790047242376601507859926648114142;

    
    uint256 constant IC0x = 1941610480727902312327030069537938923507730163180010350302810980421435254415;
    uint256 constant IC0y = 11396348742475183242209096792620089913849461609278773576063896726430708340942;
    
    uint256 constant IC1x = 13970841672024265011678283757655543992477111740901698352926380317611450044315;
    uint256 constant IC1y = 21775622191674396189932820285312967158710189552460987809218051362863524266199;
    
    uint256 constant IC2x = 15870950548009350315403122878928283324690977581062532979943186103377451433095;
    uint256 constant IC2y = 2766506650378845766325798058031385362831011525607369799300295027107311562966;
    
    uint256 constant IC3x = 16173761268720273648259557748403463483371044667235014757377399144107606055959;
    uint256 constant IC3y = 6564393495120970160971780036257099661394431352621680117160654353510012748824;
    
    uint256 constant IC4x = 447211676501162531829939440341011383816676761238147366076946558978334617919;
    uint256 constant IC4y = 20318965721013767555923144185637615243350978225827078124214441274305480541030;
    
    uint256 constant IC5x = 18405895066981043966888778274528590846164844208504283577538573430162888984952;
    uint256 constant IC5y = 4726660297795721153249550727331038537634471421582027053500635698741223616574;
    
    uint256 constant IC6x = 6652118456389306613312937007653718232087407681644255571530786488164138335445;
    uint256 constant IC6y = 15429308179907610188306901159655349673114466673910039257173330009278772988973;
    
    uint256 constant IC7x = 18194762233692804744586154576499605959835830508984256520070904895332880511017;
    uint256 constant IC7y = 12989949708561479077339357534785292290226041567350147522051344765729375135074;
    
    uint256 constant IC8x = 1921106047278861537329331458272724995886096531648571874676805648260303843420;
    uint256 constant IC8y = 3783902059475071027378285247993480076635449480535241386975695345327185972381;
    
    uint256 constant IC9x = 6662296734053981487775872277286592536341227416876618384208025638352186786150;
    uint256 constant IC9y = 13214291269269241109609430369039101263982228954173279466576742057959461138623;
    
    uint256 constant IC10x = 17342751302627779644730029140041425174438403723752123848019383777807709865783;
    uint256 constant IC10y = 3643634558412825222056270041022913594826774919997514955121817413665720039164;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[10] calldata _pubSignals) public view returns (bool) {
        assembly {
            function checkField(v) {
                if iszero(lt(v, r)) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }
            
            // G1 function to multiply a G1 value(x,y) to value in an address
            function g1_mulAccC(pR, x, y, s) {
                let success
                let mIn := mload(0x40)
                mstore(mIn, x)
                mstore(add(mIn, 32), y)
                mstore(add(mIn, 64), s)

                success := staticcall(sub(gas(), 2000), 7, mIn, 96, mIn, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }

                mstore(add(mIn, 64), mload(pR))
                mstore(add(mIn, 96), mload(add(pR, 32)))

                success := staticcall(sub(gas(), 2000), 6, mIn, 128, pR, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }

            function checkPairing(pA, pB, pC, pubSignals, pMem) -> isOk {
                let _pPairing := add(pMem, pPairing)
                let _pVk := add(pMem, pVk)

                mstore(_pVk, IC0x)
                mstore(add(_pVk, 32), IC0y)

                // Compute the linear combination vk_x
                
                g1_mulAccC(_pVk, IC1x, IC1y, calldataload(add(pubSignals, 0)))
                
                g1_mulAccC(_pVk, IC2x, IC2y, calldataload(add(pubSignals, 32)))
                
                g1_mulAccC(_pVk, IC3x, IC3y, calldataload(add(pubSignals, 64)))
                
                g1_mulAccC(_pVk, IC4x, IC4y, calldataload(add(pubSignals, 96)))
                
                g1_mulAccC(_pVk, IC5x, IC5y, calldataload(add(pubSignals, 128)))
                
                g1_mulAccC(_pVk, IC6x, IC6y, calldataload(add(pubSignals, 160)))
                
                g1_mulAccC(_pVk, IC7x, IC7y, calldataload(add(pubSignals, 192)))
                
                g1_mulAccC(_pVk, IC8x, IC8y, calldataload(add(pubSignals, 224)))
                
                g1_mulAccC(_pVk, IC9x, IC9y, calldataload(add(pubSignals, 256)))
                
                g1_mulAccC(_pVk, IC10x, IC10y, calldataload(add(pubSignals, 288)))
                

                // -A
                mstore(_pPairing, calldataload(pA))
                mstore(add(_pPairing, 32), mod(sub(q, calldataload(add(pA, 32))), q))

                // B
                mstore(add(_pPairing, 64), calldataload(pB))
                mstore(add(_pPairing, 96), calldataload(add(pB, 32)))
                mstore(add(_pPairing, 128), calldataload(add(pB, 64)))
                mstore(add(_pPairing, 160), calldataload(add(pB, 96)))

                // alpha1
                mstore(add(_pPairing, 192), alphax)
                mstore(add(_pPairing, 224), alphay)

                // beta2
                mstore(add(_pPairing, 256), betax1)
                mstore(add(_pPairing, 288), betax2)
                mstore(add(_pPairing, 320), betay1)
                mstore(add(_pPairing, 352), betay2)

                // vk_x
                mstore(add(_pPairing, 384), mload(add(pMem, pVk)))
                mstore(add(_pPairing, 416), mload(add(pMem, add(pVk, 32))))


                // gamma2
                mstore(add(_pPairing, 448), gammax1)
                mstore(add(_pPairing, 480), gammax2)
                mstore(add(_pPairing, 512), gammay1)
                mstore(add(_pPairing, 544), gammay2)

                // C
                mstore(add(_pPairing, 576), calldataload(pC))
                mstore(add(_pPairing, 608), calldataload(add(pC, 32)))

                // delta2
                mstore(add(_pPairing, 640), deltax1)
                mstore(add(_pPairing, 672), deltax2)
                mstore(add(_pPairing, 704), deltay1)
                mstore(add(_pPairing, 736), deltay2)


                let success := staticcall(sub(gas(), 2000), 8, _pPairing, 768, _pPairing, 0x20)

                isOk := and(success, mload(_pPairing))
            }

            let pMem := mload(0x40)
            mstore(0x40, add(pMem, pLastMem))

            // Validate that all evaluations ∈ F
            
            checkField(calldataload(add(_pubSignals, 0)))
            
            checkField(calldataload(add(_pubSignals, 32)))
            
            checkField(calldataload(add(_pubSignals, 64)))
            
            checkField(calldataload(add(_pubSignals, 96)))
            
            checkField(calldataload(add(_pubSignals, 128)))
            
            checkField(calldataload(add(_pubSignals, 160)))
            
            checkField(calldataload(add(_pubSignals, 192)))
            
            checkField(calldataload(add(_pubSignals, 224)))
            
            checkField(calldataload(add(_pubSignals, 256)))
            
            checkField(calldataload(add(_pubSignals, 288)))
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
